"""Partner systems of the open API: OAuth 2 clients (client credentials) and their access tokens.

Only SHA-256 digests of secrets and tokens are stored: both are long random strings, so a
digest is enough to check them and useless to whoever reads the table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, JsonDocument, UtcDateTime, utcnow


class ApiClient(Base):
    """A partner system registered by an operator (``python -m citizen_app api-clients register``)."""

    __tablename__ = "api_clients"

    client_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    # The province whose dossiers it handles (status updates are refused for any other).
    province_code: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    secret_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiToken(Base):
    """An access token issued to a client; refused once expired, or when its client is revoked."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.client_id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_api_tokens_expires_at", "expires_at"),
        Index("ix_api_tokens_client_id", "client_id"),
    )
